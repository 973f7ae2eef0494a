"""The offline rubric scorer's parts: cue lexicons, features, evidence and advice."""
