# Emulator runs and the test suite (filled in below).
