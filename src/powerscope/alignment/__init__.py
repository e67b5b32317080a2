"""Alignment between countries: UN votes, ideal points, alliances, institutions, like-minded partners."""
