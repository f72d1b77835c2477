/* A library the FAULT_MISSING_DEPENDENCY fixture links against, then deleted. */
int plinth_fixture_dependency(void) { return 42; }
