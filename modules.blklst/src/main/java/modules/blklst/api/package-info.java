/**
 * The source-address blacklist (DPVS's blklst): the data-path lookup a forwarding lcore makes against its own
 * table, and the control socket's wire format for SET 73..75 and GET 76 ({@link modules.blklst.api.BlklstConf}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package modules.blklst.api;
