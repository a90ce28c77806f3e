package dev.sixkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sixkit.dsl.groovy.ScriptRunner;
import groovy.lang.GroovyShell;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's code cannot drift: every ```java block is compiled against the built SDK (as a
 * method body, or as is when it declares a class), every ```groovy block is compiled by the setup
 * language's own compiler, and the blocks that change nothing on the machine (planning) also run.
 * A block that uses a value the reader brings (addresses, a test body "...") gets it declared here.
 */
class ReadmeCodeTest {
  private static final Pattern BLOCK = Pattern.compile("(?ms)^```(java|groovy)\\n(.*?)^```");
  private static final String IMPORTS = String.join("", List.of("dev.sixkit", "dev.sixkit.host", "dev.sixkit.docker",
      "dev.sixkit.plan", "dev.sixkit.sync", "dev.sixkit.doctor", "dev.sixkit.lab", "dev.sixkit.dsl", "dev.sixkit.netlink",
      "dev.sixkit.junit", "java.util", "java.nio.file", "org.junit.jupiter.api")
      .stream().map(p -> "import " + p + ".*;\n").toList())
      + "import inet.ipaddr.IPAddress;\nimport inet.ipaddr.IPAddressString;\nimport inet.ipaddr.ipv6.IPv6Address;\n";

  record Block(String lang, int line, String code) {}

  static List<Block> blocks() throws IOException {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme);
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
      out.add(new Block(m.group(1), line, m.group(2)));
    }
    return out;
  }

  /** A block as a compilation unit: its imports first, then its class, or its statements in a method. */
  static String unit(String name, Block b) {
    StringBuilder imports = new StringBuilder(IMPORTS);
    StringBuilder body = new StringBuilder();
    for (String l : b.code().split("\n", -1)) {
      if (l.startsWith("import ")) {
        imports.append(l).append('\n');
      } else {
        // "..." stands for the reader's own code
        body.append(l.strip().equals("...") ? "// ..." : l).append('\n');
      }
    }
    boolean declaresClass = Pattern.compile("(?m)^(@\\w+.*\\n)*(public |final )*class ").matcher(body).find();
    if (declaresClass) {
      return imports + body.toString().replaceFirst("(?m)^class \\w+", "class " + name);
    }
    return imports + "public class " + name + " {\n  public static Object run(List<String> addresses) throws Exception {\n"
        + body + "\n    return null;\n  }\n}\n";
  }

  @Test
  void everyJavaBlockCompilesAndThePlanningOnesRun(@TempDir Path out) throws Exception {
    List<Block> java = blocks().stream().filter(b -> b.lang().equals("java")).toList();
    assertTrue(java.size() >= 5, "java blocks: " + java.size());
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<JavaFileObject> units = new ArrayList<>();
    for (Block b : java) {
      String name = "ReadmeLine" + b.line();
      String src = unit(name, b);
      units.add(new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return src;
        }
      });
    }
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      boolean ok = javac.getTask(new StringWriter(), files, diagnostics, List.of("-classpath", cp, "-d", out.toString(),
          "-proc:none", "--release", "17"), null, units).call();
      StringBuilder why = new StringBuilder();
      diagnostics.getDiagnostics().forEach(d -> why.append("README line ")
          .append(d.getSource() == null ? "?" : d.getSource().getName()).append(':').append(d.getLineNumber())
          .append(": ").append(d.getMessage(Locale.ROOT)).append('\n'));
      assertTrue(ok, why.toString());
    }
    // The planning block changes nothing anywhere: run it.
    List<java.net.URL> urls = new ArrayList<>(List.of(out.toUri().toURL()));
    for (String e : cp.split(File.pathSeparator)) {
      urls.add(Path.of(e).toUri().toURL());
    }
    Block planning = java.stream().filter(b -> b.code().contains("Planner.underlay(")).findFirst().orElseThrow();
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(java.net.URL[]::new), null)) {
      Method run = loader.loadClass("ReadmeLine" + planning.line()).getMethod("run", List.class);
      assertEquals(null, run.invoke(null, List.of()));
    }
  }

  @Test
  void everyGroovyBlockCompilesInTheSetupLanguage() throws Exception {
    List<Block> groovy = blocks().stream().filter(b -> b.lang().equals("groovy")).toList();
    assertTrue(groovy.size() >= 2, "groovy blocks: " + groovy.size());
    GroovyShell shell = new GroovyShell(getClass().getClassLoader(), ScriptRunner.configuration());
    for (Block b : groovy) {
      shell.parse(b.code(), "README_line" + b.line() + ".groovy"); // compiles; running needs a lab
    }
  }
}
