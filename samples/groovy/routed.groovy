// The routed recipe on a lab, as a setup: each Docker host has a /64 of its own
// (docker1 2001:db8:cd11::/64, docker2 2001:db8:ef11::/64, as the lab's daemons run), and every
// host gets a static route to every other host's prefix via that host's underlay address.
// The routes are also written to files (persist), so they can be restored at boot.
//
//   ./sixkit lab up --name demo --mode routed
//   ./sixkit run samples/groovy/routed.groovy demo             # plan, apply, verify
//   ./sixkit run samples/groovy/routed.groovy demo undo        # revert the apply
//   ./sixkit run samples/groovy/routed.groovy demo --plan      # only show the plan
def labName = args ? args[0] : 'sixkit'
def action = args.length > 1 ? args[1] : 'all'
def prefixes = [docker1: '2001:db8:cd11::/64', docker2: '2001:db8:ef11::/64']

setup(labName) {
  underlay '2001:db8:ab11::/64'
  mode routed
  prefixes.each { name, dockerPrefix ->
    host(name) {
      netns "${labName}-${name}"
      uplink 'eth0'
      docker "unix:///run/sixkit/lab/${labName}/${name}/docker.sock"
      prefix dockerPrefix
    }
  }
  persist {
    // Lab hosts are namespaces sharing this machine's /etc: write each host's files in the lab's
    // own folder instead (lab down removes it). On a real host leave root out: it writes /etc.
    root "/run/sixkit/lab/${labName}/{host}/persist"
  }
}

switch (action) {
  case 'plan': plan(); break
  case 'undo': undo(); break
  default:
    plan()
    apply()
    apply()                     // idempotent: says there is nothing to change
    verify()
}
