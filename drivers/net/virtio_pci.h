/*
 * Virtio over PCI, the modern (virtio 1.x) interface: register layout
 * constants from virtio 1.2, 4.1 (Virtio Over PCI Bus), 2.1 (device
 * status), 6 (reserved feature bits) and 5.1 (network device).
 */
#ifndef STRATA_DRIVERS_NET_VIRTIO_PCI_H
#define STRATA_DRIVERS_NET_VIRTIO_PCI_H

/* 4.1.2 PCI Device Discovery: 0x1040 + device type, or transitional ids. */
#define VIRTIO_PCI_VENDOR              0x1af4
#define VIRTIO_PCI_DEVICE_NET_MODERN   0x1041 /* 0x1040 + 1 (network card, 5) */
#define VIRTIO_PCI_DEVICE_NET_TRANSITN 0x1000 /* transitional network card */

/* 4.1.4 Virtio Structure PCI Capabilities: struct virtio_pci_cap. */
#define VIRTIO_PCI_CAP_CFG_TYPE 3  /* u8 cfg_type */
#define VIRTIO_PCI_CAP_BAR      4  /* u8 bar */
#define VIRTIO_PCI_CAP_OFFSET   8  /* le32 offset within the BAR */
#define VIRTIO_PCI_CAP_LENGTH   12 /* le32 length of the structure */
#define VIRTIO_PCI_CAP_LEN      16 /* cap_len of a plain virtio_pci_cap */
/* 4.1.4.4 struct virtio_pci_notify_cap: the cap, then this. */
#define VIRTIO_PCI_NOTIFY_CAP_MULT 16 /* le32 notify_off_multiplier */
#define VIRTIO_PCI_NOTIFY_CAP_LEN  20

#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG    3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG    5

/* 4.1.4.3 Common configuration structure layout (struct virtio_pci_common_cfg). */
#define VIRTIO_PCI_COMMON_DFSELECT  0x00 /* le32 device_feature_select */
#define VIRTIO_PCI_COMMON_DF        0x04 /* le32 device_feature */
#define VIRTIO_PCI_COMMON_GFSELECT  0x08 /* le32 driver_feature_select */
#define VIRTIO_PCI_COMMON_GF        0x0c /* le32 driver_feature */
#define VIRTIO_PCI_COMMON_MSIX      0x10 /* le16 config_msix_vector */
#define VIRTIO_PCI_COMMON_NUMQ      0x12 /* le16 num_queues */
#define VIRTIO_PCI_COMMON_STATUS    0x14 /* u8 device_status */
#define VIRTIO_PCI_COMMON_CFGGEN    0x15 /* u8 config_generation */
#define VIRTIO_PCI_COMMON_Q_SELECT  0x16 /* le16 queue_select */
#define VIRTIO_PCI_COMMON_Q_SIZE    0x18 /* le16 queue_size */
#define VIRTIO_PCI_COMMON_Q_MSIX    0x1a /* le16 queue_msix_vector */
#define VIRTIO_PCI_COMMON_Q_ENABLE  0x1c /* le16 queue_enable */
#define VIRTIO_PCI_COMMON_Q_NOFF    0x1e /* le16 queue_notify_off */
#define VIRTIO_PCI_COMMON_Q_DESCLO  0x20 /* le64 queue_desc */
#define VIRTIO_PCI_COMMON_Q_DESCHI  0x24
#define VIRTIO_PCI_COMMON_Q_AVAILLO 0x28 /* le64 queue_driver */
#define VIRTIO_PCI_COMMON_Q_AVAILHI 0x2c
#define VIRTIO_PCI_COMMON_Q_USEDLO  0x30 /* le64 queue_device */
#define VIRTIO_PCI_COMMON_Q_USEDHI  0x34
#define VIRTIO_PCI_COMMON_MIN_LEN   0x38 /* the fields above: virtio 1.0's layout */

#define VIRTIO_MSI_NO_VECTOR 0xffff

/* 2.1 Device Status Field. */
#define VIRTIO_STATUS_ACKNOWLEDGE        1
#define VIRTIO_STATUS_DRIVER             2
#define VIRTIO_STATUS_DRIVER_OK          4
#define VIRTIO_STATUS_FEATURES_OK        8
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED             128

/* 6 Reserved Feature Bits; 5.1.3 network device feature bits. */
#define VIRTIO_F_VERSION_1     32
#define VIRTIO_NET_F_MAC       5
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS    16

/* 5.1.4 Device configuration layout (struct virtio_net_config). */
#define VIRTIO_NET_CFG_MAC    0 /* u8 mac[6], with VIRTIO_NET_F_MAC */
#define VIRTIO_NET_CFG_STATUS 6 /* le16 status, with VIRTIO_NET_F_STATUS */
#define VIRTIO_NET_S_LINK_UP  1
#define VIRTIO_NET_S_ANNOUNCE 2

/* 5.1.2 Virtqueues. */
#define VIRTIO_NET_RX_QUEUE 0
#define VIRTIO_NET_TX_QUEUE 1

/*
 * 5.1.6 Device Operation: struct virtio_net_hdr. With VIRTIO_F_VERSION_1
 * num_buffers is always there, so the header is 12 bytes (5.1.6.1).
 */
#define VIRTIO_NET_HDR_LEN 12

#endif
