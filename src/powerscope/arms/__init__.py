"""Arms transfers (SIPRI): deal-level records to market shares, ranks, clients and trends."""
