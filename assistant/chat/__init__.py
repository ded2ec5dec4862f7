"""Stage 6, the conversation: what a message means (phrases, intents, brief_fields), table revisions
(edits), the wording of answers (replies, render), the saved state and the session. Pure Python, no
streamlit; rows it adds and drafts it makes come from the drafting package."""
