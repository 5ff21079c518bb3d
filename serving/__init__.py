"""How the site is served, whatever it shows: a cache that an outage only
slows down, requests refused before any view reads them, and logs that never
hold a self-service link. Imports no other app of ours."""
