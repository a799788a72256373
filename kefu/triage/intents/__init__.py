"""Intent classification: kefu's own model, trained from examples kefu ships and from agents'
corrections, over sentence embeddings (see classifier.py for the model, service.py for how a
process uses it)."""
