"""Linking: registry entities to Wikidata items, and what Wikidata says about them.

After extraction and before RDF: `kg link` asks a Wikidata SPARQL endpoint (client.py) for
candidates by name, type and context and scores them (candidates.py), verifies the QIDs the
registry already has (verify.py), fetches facts about linked items (enrich.py) and compares them
with the documents (check.py); linking.py runs all of it for `kg link` and render.py reports it.
Every answer is kept in a cache file (cache.py), and the links in a links file (links.py), so
`kg build` reads both offline.
"""
