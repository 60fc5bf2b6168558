"""The sample county: a deterministic, clearly-labelled SAMPLE ledger modelled on the seeds."""
