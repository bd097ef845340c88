"""The citizen's rating of a resolved case, and the satisfaction figures it feeds."""
