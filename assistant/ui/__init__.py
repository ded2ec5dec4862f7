"""Stage 7, the page: the Streamlit app and its tabs (起草, 先例浏览, 导入). The only package that imports
streamlit; it calls the same functions as the CLI and holds no rule of its own."""
