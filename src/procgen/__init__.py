"""procgen: public-service procedures as typed specs."""
