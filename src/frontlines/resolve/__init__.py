"""Field resolvers of stage 5 (extract): one module per field of an event mention.

``extract.Extractor._mention`` calls them in this order: ``trigger`` (which trigger of the
sentence is the event, and its sub-event), ``actors`` (actor1/actor2 and associates),
``toll`` (fatalities), ``date``, ``place``, ``claim``, ``evidence``. Each is a set of small
pure functions over the sentence's annotation spans, testable on its own.
"""
