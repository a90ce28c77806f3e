// A walk through the SDK in JShell, on a lab brought up in NDP proxy mode:
//
//   ./sixkit lab up --name demo --mode ndp
//   ./sixkit jshell --lab demo samples/jshell/walkthrough.jsh
//
// ./sixkit jshell imports the dev.sixkit packages, sets `lab` and `host` (the lab's docker1, live:
// snippets run in the launcher's JVM) and defines table(...). After the file it keeps prompting.
// Loaded files do not echo values, so this one prints what it shows.

// 1. The host: its uplink and addresses, read over netlink (no ip processes).
System.out.println(host + ": " + host.interfaces().size() + " interfaces");
System.out.println(table(host.addresses().stream()
    .filter(a -> a.device().equals("eth0")).map(a -> Map.of("address", a.prefix().toString(), "scope", a.scopeName())).toList()));

// 2. Its Docker engine and the web container's IPv6 address.
var web1 = host.docker().container("web1");
System.out.println("web1 " + web1.state() + " at " + web1.ipv6().orElseThrow().toCanonicalString());

// 3. The prefix plan the lab follows: the seed's /66s of 2001:db8:ab11::/64.
System.out.println(lab.plan());

// 4. The same recipe as a setup, through the DSL's Java core (Consumer<Spec>, Gradle style).
var setup = Setup.of(s -> {
  s.name(lab.name() + "-jsh").underlay("2001:db8:ab11::/64").mode(Mode.NDP_PROXY).split(66);
  for (LabHost h : lab.hosts()) {
    s.host(h.name(), x -> x.netns(h.netns()).uplink(h.uplink()).docker(h.dockerEndpoint()));
  }
});
System.out.println(setup.plan());          // what would change, nothing touched
System.out.println(setup.apply());         // proxy_ndp, proxy_delay 0 and one proxy entry per container, on both hosts
System.out.println(setup.apply());         // a second apply: nothing to change
System.out.println(setup.verify());        // ping6 and HTTP from web1 to web2 and back
System.out.println(table(host.proxyEntries()));
System.out.println(setup.undo());          // back to how it was
setup.close();
System.out.println("walk-through done");
