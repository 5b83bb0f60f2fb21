"""Checks: what an English must carry (terms, numbers), the meaning checks, and the quality
estimator that weighs them. Imports language knowledge and the data model."""
