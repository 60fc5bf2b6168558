"""A national index over province portals: their checkpoints and a company lookup, each
province verified against its own trust.json (see docs/DEPLOYMENT.md)."""
