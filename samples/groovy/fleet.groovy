// Every host of an SSH lab, reached over SSH (not through its namespace): the NDP proxy
// recipe on a fleet. The hosts come from the lab; in real life they would come from an inventory
// file (inventory 'hosts.txt') or a list.
//
//   ./sixkit lab up --name fleet --hosts 12 --ssh --engine 20.10   (on 28 the default bridge's filter drops proxied traffic)
//   ./sixkit run samples/groovy/fleet.groovy fleet                          # plan, apply, verify
//   ./sixkit run samples/groovy/fleet.groovy fleet --limit docker1,docker2 # only those two
//   ./sixkit run samples/groovy/fleet.groovy fleet undo                     # revert
//   ./sixkit run samples/groovy/fleet.groovy fleet --plan --forks 4         # only show the plan
def labName = args ? args[0] : 'sixkit'
def action = args.length > 1 ? args[1] : 'all'
def keys = "/run/sixkit/lab/${labName}/_ssh"   // the lab's client key and known_hosts

setup("${labName}-fleet") {
  underlay '2001:db8:ab11::/64'
  mode ndpProxy                   // no split given: the shortest that fits the hosts, as the lab's daemons got
  lab(labName).hosts().each { h ->
    host(h.name()) {
      ssh("root@[${h.managementAddress()}]") {
        identity "${keys}/id_ed25519"
        knownHosts "${keys}/known_hosts"
        dockerSocket "/run/sixkit/lab/${labName}/${h.name()}/docker.sock"
      }
      uplink 'eth0'
      address h.underlayAddress()   // written, so --limit can plan without reading the other hosts
    }
  }
}

switch (action) {
  case 'plan': plan(); break
  case 'undo': undo(); break
  default:
    plan()
    apply()
    apply()                       // idempotent: nothing to change
    verify()
}
