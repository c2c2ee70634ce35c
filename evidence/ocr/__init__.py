"""OCR of accepted screenshots and photos: a cached, derived-data stage.

    image bytes (SHA-256) + engine_id  ->  OcrPage (lines, boxes, confidences)  ->  Events

* `model`  — the nouns: Box, OcrChar, OcrLine, OcrPage, OcrOutcome (frozen; no engine import).
* `engine` — the one place rapidocr/onnxruntime are imported: pinned default models, one engine
  per process built lazily, pixel and time limits. Optional: `pip install "evidence[ocr]"`.
* `cache`  — pages as small JSON under `<out>/.cache/ocr/`, keyed by SHA-256 + engine_id.
* `stage`  — `Reader`: what a run context holds (`extract.Context.ocr`); cache first, engine
  second, never a rejected or damaged image, never an exception.
* `layout` — reading order and blocks (one chat bubble / SMS bubble / paragraph each).
* `facts`  — a page's text through `notices.classify` (one call per block), bank-app
  transaction lists, police receipts and agreements -> Events and a document hint.

Importing this package (or `model`, `cache`, `layout`, `facts`) never imports the engine.
"""
