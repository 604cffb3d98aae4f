"""The public ratings site: a static build (``site build``) or a live preview (``site serve``)."""
