import { builder } from './builder.js';
import type { DeviceModel, DeviceType } from '../upstream/devices/device.js';

export const DeviceTypeRef = builder.objectRef<DeviceType>('DeviceType').implement({
  description: 'The kind of device, as the partner API classifies it.',
  fields: (t) => ({
    shortName: t.exposeString('shortName', { description: 'Short machine name of the device type (e.g. "wb", "ev", "hp_atw").' }),
    longName: t.exposeString('longName', { nullable: true, description: 'Human-readable name of the device type.' }),
  }),
});

export const DeviceModelRef = builder.objectRef<DeviceModel>('DeviceModel').implement({
  description: 'Make and model of a device, and the manufacturer cloud it is reached through.',
  fields: (t) => ({
    deviceType: t.field({ type: DeviceTypeRef, resolve: (m) => m.deviceType, description: 'The kind of device.' }),
    manufacturer: t.exposeString('manufacturer', { nullable: true, description: 'Manufacturer name.' }),
    model: t.exposeString('model', { nullable: true, description: 'Model name.' }),
    cloudServiceInstructions: t.exposeString('cloudServiceInstructions', {
      nullable: true,
      description: "Instructions for connecting the device through its manufacturer's cloud service.",
    }),
    cloudServiceSignupLink: t.exposeString('cloudServiceSignupLink', {
      nullable: true,
      description: "Where the owner signs up for the manufacturer's cloud service.",
    }),
    year: t.exposeInt('year', { nullable: true, description: 'Model year.' }),
    cloudServiceId: t.expose('cloudServiceId', {
      type: 'UUID',
      nullable: true,
      description: 'Id of the cloud service the device is connected through (upstream `cloud_service`).',
    }),
  }),
});
