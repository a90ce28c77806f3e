package dev.sixkit.dsl.groovy;

import dev.sixkit.dsl.DslException;
import dev.sixkit.dsl.HostSpec;
import dev.sixkit.dsl.SshSpec;
import dev.sixkit.dsl.PersistSpec;
import dev.sixkit.dsl.SetupSpec;
import dev.sixkit.dsl.Word;
import dev.sixkit.dsl.Words;
import groovy.lang.Binding;
import groovy.lang.GroovyRuntimeException;
import groovy.lang.GroovyShell;
import groovy.lang.MissingMethodException;
import groovy.lang.MissingPropertyException;
import groovy.lang.Script;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.control.CompilationUnit;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.Phases;
import org.codehaus.groovy.tools.GroovyClass;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.control.customizers.ImportCustomizer;
import org.codehaus.groovy.control.messages.ExceptionMessage;
import org.codehaus.groovy.control.messages.Message;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;
import org.codehaus.groovy.runtime.InvokerInvocationException;
import org.codehaus.groovy.syntax.SyntaxException;

/**
 * Compiles and runs sixkit scripts (files and console lines) with {@link SixkitScript} as their
 * base class and the SDK's packages imported, and turns Groovy's errors into {@link
 * DslException}s that name the script line and, for an unknown word, the words that fit there.
 *
 * <p>Not thread-safe: one runner per session; it keeps the binding (the console's variables).
 */
public final class ScriptRunner {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ScriptRunner.class);
  /** Packages every script sees without imports. */
  public static final List<String> IMPORTS = List.of("dev.sixkit", "dev.sixkit.host", "dev.sixkit.docker",
      "dev.sixkit.plan", "dev.sixkit.sync", "dev.sixkit.doctor", "dev.sixkit.dsl", "dev.sixkit.lab", "dev.sixkit.netlink");

  private final Binding binding;
  private final GroovyShell shell;

  /**
   * A runner with a fresh binding holding the session and {@code args}.
   *
   * @param session the session the script's steps use
   * @param args the script's arguments, as {@code args}
   */
  public ScriptRunner(DslSession session, List<String> args) {
    this.binding = new Binding();
    binding.setVariable(DslSession.VARIABLE, session);
    binding.setVariable("args", args.toArray(String[]::new));
    this.shell = new GroovyShell(ScriptRunner.class.getClassLoader(), binding, configuration());
  }

  /**
   * The compiler settings: base class and imports.
   *
   * @return a new configuration
   */
  public static CompilerConfiguration configuration() {
    CompilerConfiguration cc = new CompilerConfiguration();
    cc.setScriptBaseClass(SixkitScript.class.getName());
    ImportCustomizer imports = new ImportCustomizer();
    imports.addStarImports(IMPORTS.toArray(String[]::new));
    // Loops and closures check the thread's interrupt flag, so Ctrl-C in the console stops while (true) {}
    cc.addCompilationCustomizers(imports, new org.codehaus.groovy.control.customizers.ASTTransformationCustomizer(
        groovy.transform.ThreadInterrupt.class));
    return cc;
  }

  /**
   * The binding scripts run in: the console's variables live here between lines.
   *
   * @return the binding
   */
  public Binding binding() {
    return binding;
  }

  /**
   * Runs a script file; returns its value. Errors come out translated.
   *
   * @param file the script file
   * @return the script's value
   * @throws RuntimeException when the script fails: as {@link #translate} makes it, a DslException naming
   *     the line, or the SDK's own exception with the line put in front
   */
  public Object run(Path file) {
    String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    if (Files.isDirectory(file)) {
      throw new DslException(name, -1, "is a directory, not a script", null);
    }
    String text;
    try {
      byte[] bytes = Files.readAllBytes(file);
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      if (text.indexOf('\0') >= 0) {
        throw new java.nio.charset.CharacterCodingException();
      }
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new DslException(name, -1, "not a script: a binary file (a script is UTF-8 text)", e);
    } catch (IOException e) {
      throw new DslException(name, -1, "cannot read " + file + " ("
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
    }
    return evaluate(text, name, true);
  }

  /**
   * Compiles and runs a piece of script under a file name (ending in .groovy); returns its value.
   *
   * @param text the script text
   * @param fileName the name reported in errors, ending in .groovy
   * @return the script's value
   * @throws RuntimeException when the script fails: as {@link #translate} makes it, a DslException naming
   *     the line, or the SDK's own exception with the line put in front
   */
  public Object evaluate(String text, String fileName) {
    return evaluate(text, fileName, false);
  }

  /** A file's script comes from the {@link ScriptCache} when it ran before unchanged. */
  private Object evaluate(String text, String fileName, boolean file) {
    try {
      long t0 = System.nanoTime();
      Script s = file ? compileFile(text, fileName) : shell.parse(text, fileName);
      LOG.debug("{}: compiled in {} ms", fileName, (System.nanoTime() - t0) / 1_000_000);
      return s.run();
    } catch (Throwable t) {
      if (t instanceof Error e && !(t instanceof StackOverflowError)) {
        throw error(e, fileName, text);
      }
      if (t instanceof MultipleCompilationErrorsException m) {
        throw compileError(m, fileName, text);
      }
      throw translate(t, fileName);
    }
  }

  /**
   * A script file's classes: from the cache when this text ran before with these jars, else
   * compiled (with the same settings as {@link #evaluate(String, String)}) and stored there.
   */
  private Script compileFile(String text, String fileName) throws ReflectiveOperationException {
    java.util.Optional<ScriptCache> cache = ScriptCache.open();
    String key = cache.map(c -> c.key(fileName, text)).orElse(null);
    ScriptCache.Compiled compiled = cache.flatMap(c -> c.load(key)).orElse(null);
    if (compiled != null) {
      LOG.debug("{}: compiled classes from the script cache", fileName);
    } else {
      CompilationUnit cu = new CompilationUnit(configuration(), null, shell.getClassLoader());
      cu.addSource(fileName, text);
      cu.compile(Phases.CLASS_GENERATION);
      java.util.Map<String, byte[]> classes = new java.util.LinkedHashMap<>();
      for (GroovyClass g : cu.getClasses()) {
        classes.put(g.getName(), g.getBytes());
      }
      List<ClassNode> nodes = cu.getAST().getModules().get(0).getClasses();
      String main = nodes.stream().filter(ClassNode::isScript).map(ClassNode::getName).findFirst()
          .orElse(nodes.isEmpty() ? cu.getClasses().get(0).getName() : nodes.get(0).getName());
      compiled = new ScriptCache.Compiled(main, classes);
      ScriptCache.Compiled store = compiled;
      cache.ifPresent(c -> c.store(key, store));
    }
    Class<?> type = new ScriptCache.Loader(shell.getClassLoader(), compiled.classes()).loadClass(compiled.mainClass());
    return InvokerHelper.createScript(type, binding);
  }

  /**
   * An Error from a script as one line at its script line: a failing {@code assert}, an {@code
   * Error} the script threw, running out of memory, or {@code @Grab} (no Ivy here). Errors of the
   * JVM itself that a script cannot cause (an internal error) go on as they are.
   */
  private static DslException error(Error e, String fileName, String text) {
    if (e instanceof VirtualMachineError && !(e instanceof OutOfMemoryError)) {
      throw e;
    }
    StackTraceElement at = DslException.userFrame(e.getStackTrace());
    if (e instanceof LinkageError && text != null) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("@(groovy\\.lang\\.)?Grab\\b").matcher(text);
      if (m.find()) {
        int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
        return new DslException(fileName, line, "@Grab is not supported: sixkit fetches no"
            + " dependencies; scripts see the SDK (its packages are imported) and Groovy, nothing else", e);
      }
    }
    String detail;
    if (e instanceof AssertionError) {
      detail = "assertion failed: " + firstLine(e.getMessage() == null ? "" : e.getMessage().replaceFirst(
          "^Assertion failed:\\s*", ""));
    } else if (e instanceof OutOfMemoryError) {
      detail = "out of memory (" + (e.getMessage() == null ? "Java heap" : e.getMessage())
          + "): the script holds more than the JVM's heap; raise it with SIXKIT_JAVA_OPTS=-Xmx...";
    } else {
      String msg = e.getMessage() == null ? "" : ": " + firstLine(e.getMessage());
      detail = (e.getClass().getName().startsWith("java.") ? e.getClass().getSimpleName() : e.getClass().getName()) + msg;
    }
    return at == null ? new DslException(fileName, -1, detail, e) : new DslException(at, detail, e);
  }

  private static String firstLine(String s) {
    for (String l : s.split("\n")) {
      if (!l.isBlank()) {
        return l.strip();
      }
    }
    return s.strip();
  }

  /**
   * Compiles without running: for the console to tell a syntax error from an unfinished line.
   *
   * @param text the script text
   * @param fileName the name reported in errors
   * @throws DslException for a syntax error, naming its line
   */
  public void compile(String text, String fileName) {
    shell.parse(text, fileName);
  }

  /**
   * A Groovy error as a sixkit one: the script line first, then what is wrong in the script's own
   * words. Exceptions of the SDK keep their message, with the line put in front.
   *
   * @param t the error
   * @param fileName the script's name
   * @return the exception to throw
   */
  public static RuntimeException translate(Throwable t, String fileName) {
    Throwable e = t;
    while ((e instanceof InvokerInvocationException || e instanceof java.lang.reflect.UndeclaredThrowableException
        || e instanceof java.lang.reflect.InvocationTargetException) && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof DslException d) {
      return d;
    }
    if (e instanceof MultipleCompilationErrorsException m) {
      return compileError(m, fileName, null);
    }
    StackTraceElement at = DslException.userFrame(e.getStackTrace());
    if (e instanceof InterruptedException) {
      // Ctrl-C before the script's first line ran (the check ThreadInterrupt puts at the top of run()
      // has no line; on a busy machine the compile can outlast the key): the script's file, no line,
      // never a frame of the runner's caller
      boolean inScript = at != null && at.getFileName() != null && at.getFileName().endsWith(".groovy");
      return inScript ? new DslException(at, "interrupted", e) : new DslException(fileName, -1, "interrupted", e);
    }
    if (e instanceof MissingMethodException mme) {
      return new DslException(at, missingMethod(mme), e);
    }
    if (e instanceof MissingPropertyException mpe) {
      return new DslException(at, missingProperty(mpe), e);
    }
    String msg = e.getMessage();
    if (e instanceof GroovyRuntimeException g && g.getMessageWithoutLocationText() != null) {
      msg = g.getMessageWithoutLocationText();
    }
    if (msg == null) {
      msg = e.toString();
    } else if (!(e instanceof dev.sixkit.SixkitException) && !(e instanceof dev.sixkit.netlink.NetlinkException)) {
      msg = e.getClass().getSimpleName() + ": " + msg;
    }
    return new DslException(at, msg, e);
  }

  private static DslException compileError(MultipleCompilationErrorsException m, String fileName, String source) {
    if (source != null) {
      GroovySource.State st = GroovySource.scan(source);
      if (st.inString() || st.inComment()) {
        return new DslException(fileName, -1, "syntax error: a " + (st.inString() ? "string" : "comment")
            + " is never closed", m);
      }
      if (st.depth() > 0) {
        return new DslException(fileName, st.openLine(), "syntax error: this line opens a block or bracket that is"
            + " never closed (a '" + st.missing() + "' is missing)", m);
      }
    }
    for (Message msg : m.getErrorCollector().getErrors()) {
      if (msg instanceof SyntaxErrorMessage sm) {
        SyntaxException se = sm.getCause();
        String text = se.getOriginalMessage().strip();
        int nl = text.indexOf('\n');
        if (nl > 0) {
          // Groovy quotes the whole rest of the script: its first line is enough.
          text = text.substring(0, nl) + "…";
        }
        return new DslException(fileName, se.getStartLine(), "syntax error: " + text, m);
      }
      if (msg instanceof ExceptionMessage em) {
        return new DslException(fileName, -1, "compile error: " + em.getCause().getMessage(), m);
      }
    }
    return new DslException(fileName, -1, "compile error: " + m.getMessage(), m);
  }

  /** Which block a spec class is, in the script's words. */
  private static String block(Class<?> type) {
    if (type == SetupSpec.class) {
      return "the setup block";
    }
    if (type == HostSpec.class) {
      return "a host block";
    }
    if (type == PersistSpec.class) {
      return "the persist block";
    }
    if (type == SshSpec.class) {
      return "an ssh block";
    }
    if (type != null && Script.class.isAssignableFrom(type)) {
      return "the script";
    }
    return null;
  }

  private static Class<?> wordsOf(Class<?> type) {
    return type != null && Script.class.isAssignableFrom(type) ? SixkitScript.class : type;
  }

  private static String missingMethod(MissingMethodException mme) {
    String name = mme.getMethod();
    Class<?> type = mme.getType();
    String where = block(type);
    Object[] args = mme.getArguments();
    if (where != null) {
      Class<?> words = wordsOf(type);
      Words.Entry w = Words.find(words, name);
      if (w != null) {
        return "wrong value for " + name + " in " + where + ": write it as " + w.usage() + " (got " + describe(args) + ")";
      }
      List<String> names = new ArrayList<>(Words.names(words));
      String close = Words.closest(name, names);
      return "unknown word '" + name + "' in " + where + (close != null ? "; did you mean " + close + "?" : "")
          + " (words here: " + String.join(", ", names) + ")";
    }
    List<String> methods = publicMethods(type);
    if (methods.contains(name)) {
      return publicName(type) + "." + name + " does not take " + describe(args);
    }
    String close = Words.closest(name, methods);
    return (type == null ? "" : publicName(type) + " has ") + "no method " + name + "(" + ")"
        + (close != null ? "; did you mean " + close + "?" : "");
  }

  private static String missingProperty(MissingPropertyException mpe) {
    String name = mpe.getProperty();
    Class<?> type = mpe.getType();
    String where = block(type);
    Set<String> names = new LinkedHashSet<>();
    if (where != null) {
      names.addAll(Words.names(wordsOf(type)));
    }
    // the mode words and what every block can see
    names.add("routed");
    names.add("ndpProxy");
    names.add("args");
    String close = Words.closest(name, new ArrayList<>(names));
    return "unknown word '" + name + "'" + (where != null ? " in " + where : type != null ? " on " + publicName(type) : "")
        + (close != null ? "; did you mean " + close + "?" : "")
        + (where != null ? " (words here: " + String.join(", ", names) + ")" : "");
  }

  /**
   * The name users know a type by: an SDK class that implements one of the SDK's interfaces (a
   * KernelHost or SshHost is a Host) goes by that interface; anything else by its own name.
   */
  static String publicName(Class<?> type) {
    if (type == null) {
      return "";
    }
    if (!type.isInterface() && type.getName().startsWith("dev.sixkit.")) {
      // breadth first through super-interfaces too: a KernelHost is a NetlinkHost, which is a Host
      java.util.ArrayDeque<Class<?>> todo = new java.util.ArrayDeque<>();
      for (Class<?> c = type; c != null; c = c.getSuperclass()) {
        todo.addAll(List.of(c.getInterfaces()));
      }
      while (!todo.isEmpty()) {
        Class<?> i = todo.poll();
        if (i.getName().startsWith("dev.sixkit.") && !i.getName().contains(".internal.")
            && java.lang.reflect.Modifier.isPublic(i.getModifiers()) && type.getSimpleName().endsWith(i.getSimpleName())) {
          return i.getSimpleName();
        }
        todo.addAll(List.of(i.getInterfaces()));
      }
    }
    return type.getSimpleName();
  }

  private static String describe(Object[] args) {
    if (args == null || args.length == 0) {
      return "nothing";
    }
    List<String> out = new ArrayList<>();
    for (Object a : args) {
      if (a == null) {
        out.add("null");
      } else if (a instanceof groovy.lang.Closure) {
        out.add("a { } block");
      } else if (a instanceof CharSequence) {
        out.add("'" + a + "'");
      } else {
        out.add(a + " (" + a.getClass().getSimpleName() + ")");
      }
    }
    return String.join(", ", out);
  }

  /**
   * Public method names of a type a script can call (Object's and Groovy's plumbing left out).
   *
   * @param type the type
   * @return the names, sorted, without duplicates
   */
  public static List<String> publicMethods(Class<?> type) {
    Set<String> out = new java.util.TreeSet<>();
    if (type == null) {
      return List.of();
    }
    for (Class<?> c : visible(type)) {
      for (Method m : c.getMethods()) {
        if (m.getDeclaringClass() == Object.class || m.isSynthetic() || Modifier.isStatic(m.getModifiers())
            || PLUMBING.contains(m.getName()) || m.getName().contains("$")) {
          continue;
        }
        out.add(m.getName());
      }
    }
    return new ArrayList<>(out);
  }

  /**
   * The public types a value can be used as: itself when public, else its public interfaces and supertypes.
   *
   * @param type the type
   * @return the type itself when public; else the public interfaces met up to, and with, the first public
   *     superclass
   */
  public static List<Class<?>> visible(Class<?> type) {
    List<Class<?>> out = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      if (Modifier.isPublic(c.getModifiers())) {
        out.add(c);
        return out;
      }
      for (Class<?> i : c.getInterfaces()) {
        if (Modifier.isPublic(i.getModifiers())) {
          out.add(i);
        }
      }
    }
    return out;
  }

  private static final Set<String> PLUMBING = Set.of("getMetaClass", "setMetaClass", "invokeMethod", "getProperty",
      "setProperty", "run", "getBinding", "setBinding", "main", "evaluate", "print", "println", "printf",
      "session");

  /**
   * Whether a method is a word of the language (for the console's completion).
   *
   * @param m the method
   * @return true for a word
   */
  public static boolean isWord(Method m) {
    return m.isAnnotationPresent(Word.class);
  }
}
