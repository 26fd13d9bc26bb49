// The storage objects as the views read them: the same shapes the volume
// controllers use, so a field the UI shows is one the controllers set.

export type { PersistentVolume as VolumeObject, PersistentVolumeClaim as ClaimObject, StorageClass as StorageClassObject } from '../../main/controllers/volume/volumeTypes.ts';
