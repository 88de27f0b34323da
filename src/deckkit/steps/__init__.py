"""Build steps over nbformat notebooks.  Each takes a notebook and returns a new one
(the input is never changed), plus findings where something is wrong."""
