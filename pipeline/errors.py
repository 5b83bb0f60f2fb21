"""The one error a stage raises for bad input: it names the file and the problem."""


class SourceError(Exception):
    """An article that cannot be turned into a brief; other articles are unaffected."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
