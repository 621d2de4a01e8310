// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ProviderRegistry: where a provider publishes its agent's http(s) endpoint, so a renter's
///        CLI finds the agent from a deal alone (deal -> supplier -> endpointOf(supplier)).
contract ProviderRegistry {
    mapping(address => string) internal endpoints;

    event EndpointSet(address indexed provider, string endpoint);

    function setEndpoint(string calldata endpoint) external {
        require(bytes(endpoint).length <= 2048, "ProviderRegistry: endpoint too long");
        endpoints[msg.sender] = endpoint;
        emit EndpointSet(msg.sender, endpoint);
    }

    function endpointOf(address provider) external view returns (string memory) {
        return endpoints[provider];
    }
}
