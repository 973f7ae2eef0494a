"""Automatic analysis of recorded answers: transcript, features and rubric score (issue 5)."""
