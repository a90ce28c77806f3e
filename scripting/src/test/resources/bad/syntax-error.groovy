// A block that is never closed.
def lab = args[0]
setup(lab) {
  underlay '2001:db8:ab11::/64'
  mode ndpProxy
  host('docker1') {
    netns "${lab}-docker1"
    uplink 'eth0'
}
apply()
