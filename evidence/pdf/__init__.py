"""The output layer (issue 19): every PDF write. `assemble` (a dossier, on pikepdf), `bundle`
(the joint bundle and its relocatable segments), `writer` (the streaming object writer),
`duplex` (blanks and gutter), `protect` (encryption). The renderer imports nothing from here:
the values it hands over live in `model`, page geometry in `geometry`.
"""
