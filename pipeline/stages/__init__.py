"""The stages, in pipeline order (read, scripts, segment, names, translate, align, quality,
corrections, render, site): each a pure function from one model to the next, its JSON written
by the commands. Import checks, language knowledge and the data model; never the operations."""
