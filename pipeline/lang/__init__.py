"""Language knowledge: writing systems, scripts, the glossary, numbers, names romanized,
CC-CEDICT and its senses, English typography. Imports only the data model."""
