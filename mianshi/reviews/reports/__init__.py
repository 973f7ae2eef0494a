"""Report files of the review app (F-73): the interview PDF and the ranking exports."""
