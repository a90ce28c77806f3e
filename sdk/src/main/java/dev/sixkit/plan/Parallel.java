package dev.sixkit.plan;

import dev.sixkit.SixkitException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** Runs work on hosts (or pairs) in parallel, one thread each up to a bound. Stateless; thread-safe. */
final class Parallel {
  private Parallel() {}

  static <T> Map<String, T> onHosts(List<HostEntry> on, Function<HostEntry, T> work) {
    return onHosts(on, on.size(), work);
  }

  static <T> Map<String, T> onHosts(List<HostEntry> on, int threads, Function<HostEntry, T> work) {
    List<T> results = run(on, Math.max(1, Math.min(on.size(), threads)), work);
    Map<String, T> out = new LinkedHashMap<>();
    for (int i = 0; i < on.size(); i++) {
      out.put(on.get(i).name(), results.get(i));
    }
    return out;
  }

  static <A, T> List<T> run(List<A> items, int threads, Function<A, T> work) {
    if (items.isEmpty()) {
      return List.of();
    }
    if (items.size() == 1) {
      return List.of(work.apply(items.get(0)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(r, "sixkit-setup");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<T>> fs = new ArrayList<>();
      for (A a : items) {
        Callable<T> c = () -> work.apply(a);
        fs.add(pool.submit(c));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : fs) {
        out.add(f.get());
      }
      return out;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof RuntimeException re ? re : new SixkitException("run on hosts", "", c.toString(), c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SixkitException("run on hosts", "", "interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
