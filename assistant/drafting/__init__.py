"""Stage 5, drafting: a TargetTable from a ProjectBrief.

finder (similar projects) → precedents (clusters per 二级) → draft (the precedent drafter) + library (the
common indicators fitted to the brief) → frame (rows, names, goals both drafters share); llm (the optional
model drafter); factory (the one place a drafter is chosen); extra_rows (rows the chat adds); suggest
("what suits project X")."""
