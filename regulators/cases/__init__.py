"""Typical cases (典型案例, notice §五(三)): drafted by a district bureau or the municipal bureau,
consented to by the enterprise, published by the municipal bureau on a public page."""
