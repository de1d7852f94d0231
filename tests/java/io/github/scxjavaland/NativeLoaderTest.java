// SPDX-License-Identifier: GPL-2.0-only
package io.github.scxjavaland;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The native library is extracted from the jar's resources into a private directory, loaded and
 * deleted at once. Loading happens once per JVM, so most checks run in a fresh child JVM.
 */
class NativeLoaderTest {
    private static final String LIB = "libscxjavaland.so";

    @TempDir
    Path tmp;

    /** Child JVM entry point: loads the library and prints how it is mapped. */
    static final class LoadAndReport {
        private LoadAndReport() {}

        public static void main(String[] args) throws IOException {
            try {
                System.out.println("abi " + Layout.ABI_VERSION);
            } catch (UnsatisfiedLinkError e) {
                System.out.println("ULE " + e.getMessage());
                System.exit(3);
            }
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                if (line.contains(LIB)) {
                    System.out.println("map " + line.substring(line.indexOf('/')));
                }
            }
        }
    }

    private record Child(int exit, List<String> lines) {
        String output() {
            return String.join("\n", lines);
        }

        /** Distinct paths the library is mapped from. */
        List<String> mappedPaths() {
            return lines.stream().filter(l -> l.startsWith("map ")).map(l -> l.substring(4)).distinct()
                    .collect(Collectors.toList());
        }
    }

    /** The classes of this build, on a plain class path (the child needs no module setup). */
    private static String classPath() {
        List<String> parts = new ArrayList<>();
        for (String p : new String[] {System.getProperty("jdk.module.path"), System.getProperty("java.class.path")}) {
            if (p != null && !p.isEmpty()) {
                parts.add(p);
            }
        }
        return String.join(File.pathSeparator, parts);
    }

    private static List<String> javaCommand(String... props) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xshare:auto");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xmx64m");
        cmd.addAll(List.of(props));
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(LoadAndReport.class.getName());
        return cmd;
    }

    private static Child run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM hung");
        return new Child(p.exitValue(), out.lines().collect(Collectors.toList()));
    }

    private static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toList());
        }
    }

    private static void assertLoadedFromAFreshDeletedCopyIn(Path dir, Child c) {
        assertEquals(0, c.exit(), c.output());
        assertTrue(c.lines().contains("abi " + Layout.EXPECTED_ABI), c.output());
        List<String> paths = c.mappedPaths();
        assertEquals(1, paths.size(), "mapped from exactly one file: " + c.output());
        String path = paths.get(0);
        assertTrue(path.startsWith(dir + "/scx-javaland-"), "not extracted into " + dir + ": " + path);
        assertTrue(path.endsWith("/" + LIB + " (deleted)"), "copy not deleted after loading: " + path);
    }

    @Test
    void bundledLibraryIsExtractedIntoScxjavalandTmpdirLoadedAndRemoved() throws Exception {
        Child c = run(javaCommand("-Dscxjavaland.tmpdir=" + tmp));
        assertLoadedFromAFreshDeletedCopyIn(tmp, c);
        assertEquals(List.of(), entries(tmp), "extraction left files behind");
    }

    @Test
    void withoutScxjavalandTmpdirTheJavaTmpdirIsUsedAndLeftClean() throws Exception {
        Child c = run(javaCommand("-Djava.io.tmpdir=" + tmp));
        assertLoadedFromAFreshDeletedCopyIn(tmp, c);
        assertEquals(List.of(), entries(tmp), "extraction left files behind");
    }

    @Test
    void aMissingTmpdirGivesALinkErrorNamingTheProperty() throws Exception {
        Path missing = tmp.resolve("does/not/exist");
        Child c = run(javaCommand("-Dscxjavaland.tmpdir=" + missing));
        assertEquals(3, c.exit(), c.output());
        String ule = c.lines().stream().filter(l -> l.startsWith("ULE ")).findFirst().orElse("");
        assertTrue(ule.contains("scxjavaland.tmpdir"), c.output());
        assertTrue(ule.contains(missing.toString()), c.output());
        assertFalse(Files.exists(missing));
    }

    @Test
    void aNoexecTmpdirGivesALinkErrorNamingTheProperty() throws Exception {
        // A private mount namespace: the noexec tmpfs exists only for the child.
        Process probe = new ProcessBuilder("unshare", "-m", "true").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        assumeTrue(probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "cannot create a mount namespace here (unshare -m)");
        Path dir = Files.createDirectory(tmp.resolve("noexec"));
        List<String> cmd = new ArrayList<>(List.of("unshare", "-m", "sh", "-c",
                "mount -t tmpfs -o noexec,mode=1777 tmpfs \"$0\" && shift && exec \"$@\"", dir.toString(), "-"));
        cmd.addAll(javaCommand("-Dscxjavaland.tmpdir=" + dir));
        Child c = run(cmd);
        assertEquals(3, c.exit(), c.output());
        String ule = c.lines().stream().filter(l -> l.startsWith("ULE ")).findFirst().orElse("");
        assertTrue(ule.contains("noexec"), c.output());
        assertTrue(ule.contains("scxjavaland.tmpdir"), c.output());
    }

    @Test
    void anExplicitLibraryPathIsLoadedAsIsWithoutExtracting() throws Exception {
        Path lib = Path.of(System.getProperty("jdk.module.path").split(File.pathSeparator)[0],
                "META-INF", "native", NativeLoader.platform(), LIB);
        assumeTrue(Files.isRegularFile(lib), "no built library at " + lib);
        Child c = run(javaCommand("-Dscxjavaland.library.path=" + lib, "-Dscxjavaland.tmpdir=" + tmp));
        assertEquals(0, c.exit(), c.output());
        assertEquals(List.of(lib.toRealPath().toString()), c.mappedPaths(), c.output());
        assertEquals(List.of(), entries(tmp));
    }

    @Test
    void thisJvmLoadedTheJarResourceNotTheCopyOnJavaLibraryPath() throws IOException {
        assertEquals(Layout.EXPECTED_ABI, Layout.ABI_VERSION);
        // Surefire puts the build's native dir on java.library.path; the loader must not need it.
        List<String> paths = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(l -> l.contains(LIB)).map(l -> l.substring(l.indexOf('/'))).distinct()
                .collect(Collectors.toList());
        assertEquals(1, paths.size(), paths.toString());
        assertTrue(paths.get(0).contains("/scx-javaland-") && paths.get(0).endsWith(" (deleted)"), paths.get(0));
    }

    @Test
    void theLibraryIsBundledUnderThisPlatformsResourcePath() {
        assertEquals("linux-x86_64", NativeLoader.platform(), "CI builds on x86-64");
        assertNotNull(NativeLoader.class.getResource("/META-INF/native/" + NativeLoader.platform() + "/" + LIB));
    }

    @ParameterizedTest
    @CsvSource({
        "amd64, linux-x86_64",
        "x86_64, linux-x86_64",
        "AMD64, linux-x86_64",
        "aarch64, linux-aarch_64",
        "arm64, linux-aarch_64",
        "riscv64, linux-riscv64",
        "ppc64le, linux-ppc64le"})
    void platformMapsOsArchToTheResourceDirectory(String arch, String platform) {
        String saved = System.getProperty("os.arch");
        try {
            System.setProperty("os.arch", arch);
            assertEquals(platform, NativeLoader.platform());
        } finally {
            System.setProperty("os.arch", saved);
        }
    }
}
