"""Stage 4, review: the rules a 财政 reviewer applies to a 绩效目标申报表, one registry, grouped by kind,
each with a stable code (R01…). They read only a TargetTable, so drafts and imported forms are checked alike.

Add a rule: one function with ``@rule("Rnn-name", "说明")`` in the rules_<kind>.py module it belongs to, and
its pass/fail cases in tests/review/test_rules_<kind>.py."""
