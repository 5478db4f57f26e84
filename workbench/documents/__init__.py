"""Documents an analyst hands over: the treaty text and the decision memo of a draft,
as structured data (``treaty``, ``memo``) and as PDF and DOCX files (``files``)."""
