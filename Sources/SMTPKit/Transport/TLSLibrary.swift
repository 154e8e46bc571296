import CSSL

/// Process- and thread-level housekeeping for OpenSSL.
package enum TLSLibrary {
    /// Frees OpenSSL's per-thread state (its error queue, …) now, on the thread that used it.
    ///
    /// OpenSSL would otherwise free it in a thread-exit destructor, which can run after
    /// another thread has begun `exit()` and OpenSSL's own atexit clean-up — a use after free.
    /// Every thread that did TLS work calls this as its last OpenSSL act.
    package static func finishThread() {
        OPENSSL_thread_stop()
    }

    /// Asks OpenSSL not to tear itself down at exit, so threads still finishing TLS work
    /// while the process exits never touch freed state. For programs (the CLI), not libraries.
    package static func keepAliveUntilExit() {
        _ = OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT), nil)
    }
}
