# Data, not code: page setup, labels and patterns. A package only so that `pip install .` ships it.
