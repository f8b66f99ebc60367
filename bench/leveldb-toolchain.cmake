# Builds leveldb-sys's vendored LevelDB 1.22 with gcc: its CMakeLists probes for clang's
# -Wthread-safety with a check that gcc passes (the crate adds -w), then every compile fails
# on the flag. Presetting the probe's result skips it.
set(HAVE_CLANG_THREAD_SAFETY OFF CACHE BOOL "gcc has no -Wthread-safety" FORCE)
