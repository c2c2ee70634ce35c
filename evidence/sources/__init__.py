"""One module per input format. Each has `sniff(path, head) -> FileKind | None` and
`read(file, ctx) -> (events, issues)`; `evidence.extract.REGISTRY` lists them in sniff order."""
