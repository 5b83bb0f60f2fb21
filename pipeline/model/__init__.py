"""The data model: the dataclasses the stages pass along, and nothing else."""
