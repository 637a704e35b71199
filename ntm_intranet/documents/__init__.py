"""The documents toolkit: layout pieces for Word (`docx`), Excel (`sheet`, with the formula guard of
`cells`) and PDF (`pdf`), plain values in, bytes out.

It imports no room, no model and no service: each room owns its papers in its own `documents` module
and turns its data into these pieces; the words of the header come from letterhead.py.
"""
