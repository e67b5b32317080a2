"""Military strength: Global Firepower explained, SIPRI spending, COW capabilities, an open index."""
