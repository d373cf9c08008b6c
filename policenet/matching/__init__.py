"""Pure comparison and parsing: names, documents, machine readable zones, biometrics."""
