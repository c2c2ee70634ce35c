"""Reading Chinese bank and payment SMS: the parts behind `evidence.notices.classify`.

* `lexicon`   money-in / money-out / no-money phrases, kept as data (templates/banksms/lexicon.toml)
* `money`     amounts: normalised (full width, `29。19`, RMB/￥/人民币, thousands), the raw text kept
* `accounts`  the holder's own card tail told apart from the other party's
* `direction` which way the money went, by the lexicon's precedence, or undecided
* `otp`       verification codes, Chinese and English
* `links`     URLs, the official-domain allowlist (templates/banksms/official_domains.toml), lures
* `balance`   consecutive notices of one card: before ± amount = after
"""
