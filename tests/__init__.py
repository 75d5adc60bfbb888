"""The test suite: one package per app, browser journeys under tests/browser."""
