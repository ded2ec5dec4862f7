"""The corpus stage: past forms read into SourceDocuments with provenance, stored, flattened to records.

``readers`` turns a file of any supported format into a SourceDocument; ``store`` keeps documents as
corpus/forms/<source>.json (and the user's own apart) and yields IndicatorRecords from them.
"""
