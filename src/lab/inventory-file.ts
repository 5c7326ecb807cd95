// Writes the lab's inventory in Ansible's YAML inventory format, with the groups the roles use.
import YAML from "yaml";
import { LAB_APT_MOUNT, LAB_NET, type LabHost } from "./topology.js";

/** The groups every lab inventory has, even when empty, so roles can rely on them. */
const ROLE_GROUPS = ["gocd_servers", "db_servers", "share", "agents"] as const;

/** Render the inventory for these hosts; key and known_hosts paths point into the lab directory. */
export function renderInventory(hosts: readonly LabHost[], paths: { privateKey: string; knownHosts: string }): string {
  const groups = new Map<string, Record<string, unknown>>();
  for (const name of ROLE_GROUPS) groups.set(name, {});
  for (const host of hosts) {
    for (const group of host.groups) {
      const members = groups.get(group) ?? {};
      members[host.name] = { ansible_host: host.ip, ...host.vars };
      groups.set(group, members);
    }
  }
  const children: Record<string, unknown> = {};
  for (const [name, members] of groups) children[name] = { hosts: Object.keys(members).length ? members : null };
  const doc = {
    all: {
      vars: {
        ansible_user: "root",
        ansible_ssh_private_key_file: paths.privateKey,
        // Read by gocd-bc; ansible-playbook gets the same file through the common args below.
        ansible_ssh_known_hosts_file: paths.knownHosts,
        ansible_ssh_common_args: `-o UserKnownHostsFile=${paths.knownHosts} -o StrictHostKeyChecking=yes`,
        ansible_python_interpreter: "/usr/bin/python3",
        gocd_vip: LAB_NET.vip,
        gocd_apt_source: `deb [trusted=yes] file:${LAB_APT_MOUNT} ./`,
        // The database pair (playbooks/database.yml) and its lab-only secrets.
        db_primary_host: "db-primary",
        db_standby_host: "db-standby",
        // The GoCD pair's initial roles (provision reads the current ones from the hosts).
        gocd_active_server: "gocd-primary",
        gocd_standby_server: "gocd-standby",
        postgres_replication_password: "lab-only-replication-7d3f",
        gocd_db_password: "lab-only-gocd-db-51c8",
        gocd_vip_cidr: LAB_NET.cidr,
        // The lab's kernel has no NFS: the artifact share is sshfs from the share host.
        artifact_share_type: "sshfs",
        artifact_share_host: "share",
        artifact_share_export: "/srv/gocd-share/artifacts",
        artifact_share_mount: "/var/lib/go-server/artifacts-share",
        keepalived_interface: "eth0",
      },
      children,
    },
  };
  const header = "# The embedded lab's inventory, written by `gocd-bc lab up`. Regenerated on every `up`.\n";
  return header + YAML.stringify(doc, { nullStr: "", lineWidth: 0 });
}
