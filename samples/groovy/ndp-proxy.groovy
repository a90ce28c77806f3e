// The NDP proxy recipe on a lab, as a setup: the hosts share 2001:db8:ab11::/64 on eth0,
// Docker gets /66s of it, and each host answers neighbour solicitations for its own containers.
//
//   ./sixkit lab up --name demo --mode ndp
//   ./sixkit run samples/groovy/ndp-proxy.groovy demo          # plan, apply, verify
//   ./sixkit run samples/groovy/ndp-proxy.groovy demo undo     # revert the apply
//   ./sixkit run samples/groovy/ndp-proxy.groovy demo --plan   # only show the plan
def labName = args ? args[0] : 'sixkit'
def action = args.length > 1 ? args[1] : 'all'

setup(labName) {
  underlay '2001:db8:ab11::/64'
  mode ndpProxy
  split 66                      // four /66s; docker1 and docker2 take the last two, as the lab's daemons do
  ['docker1', 'docker2'].each { name ->
    host(name) {
      netns "${labName}-${name}"
      uplink 'eth0'
      docker "unix:///run/sixkit/lab/${labName}/${name}/docker.sock"
    }
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
