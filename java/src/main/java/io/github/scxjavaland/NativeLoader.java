// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * Loads the native library bundled in the jar. It is copied into a fresh directory that only
 * this user can read (random name, created atomically, so no other user can plant a file or
 * symlink there), loaded, and deleted at once: Linux keeps the mapping.
 *
 * <p>Properties: {@code scxjavaland.library.path} loads that file instead;
 * {@code scxjavaland.tmpdir} picks the extraction directory (for a {@code noexec} /tmp).
 */
final class NativeLoader {
    static final String LIBRARY = "scxjavaland";
    private static final String LIB_FILE = "lib" + LIBRARY + ".so";

    private NativeLoader() {}

    static void load() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            throw new UnsatisfiedLinkError("scx_javaland needs Linux (sched_ext); this is " + os);
        }
        String explicit = System.getProperty("scxjavaland.library.path");
        if (explicit != null) {
            System.load(Path.of(explicit).toAbsolutePath().toString());
            return;
        }
        String platform = platform();
        URL bundled = NativeLoader.class.getResource("/META-INF/native/" + platform + "/" + LIB_FILE);
        if (bundled == null) {
            try {
                System.loadLibrary(LIBRARY);
                return;
            } catch (UnsatisfiedLinkError e) {
                throw new UnsatisfiedLinkError("no native library for " + platform
                        + " in the jar (built for linux-x86_64 only) and none on java.library.path: "
                        + e.getMessage());
            }
        }
        loadBundled(bundled);
    }

    static String platform() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        switch (arch) {
            case "amd64":
            case "x86_64":
                return "linux-x86_64";
            case "aarch64":
            case "arm64":
                return "linux-aarch_64";
            default:
                return "linux-" + arch;
        }
    }

    private static void loadBundled(URL bundled) {
        Path base = Path.of(System.getProperty("scxjavaland.tmpdir", System.getProperty("java.io.tmpdir")));
        Path dir = null;
        Path lib = null;
        try {
            dir = Files.createTempDirectory(base, "scx-javaland-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            lib = dir.resolve(LIB_FILE);
            try (InputStream in = bundled.openStream()) {
                Files.copy(in, lib); // fails if anything is already there
            }
            if (Files.isSymbolicLink(lib) || !Files.isRegularFile(lib, LinkOption.NOFOLLOW_LINKS)) {
                throw new UnsatisfiedLinkError("refusing to load " + lib + ": not a regular file");
            }
            System.load(lib.toString());
        } catch (IOException e) {
            UnsatisfiedLinkError err = new UnsatisfiedLinkError("cannot extract the native library into "
                    + base + " (set -Dscxjavaland.tmpdir to a writable directory): " + e);
            err.initCause(e);
            throw err;
        } catch (UnsatisfiedLinkError e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("failed to map segment") || msg.contains("Operation not permitted")) {
                UnsatisfiedLinkError err = new UnsatisfiedLinkError(base + " seems to be mounted noexec;"
                        + " set -Dscxjavaland.tmpdir to a directory where libraries may be loaded: " + msg);
                err.initCause(e);
                throw err;
            }
            throw e;
        } finally {
            deleteQuietly(lib);
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort; the directory is private to this user
        }
    }
}
